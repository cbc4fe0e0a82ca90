"""The course as files: read and checked (``source``, ``files``, ``checks``, ``model``,
``yaml_lines``), its Markdown rendered (``markdown``), and loaded into the database
(``load``: ``kurswerk content check|load``)."""
