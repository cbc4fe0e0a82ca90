"""The LMS simulator's pages and endpoints, one module per group; ``kurswerk.devplatform.app``
includes them all."""
