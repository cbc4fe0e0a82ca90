"""Learners' submissions: one PDF per exercise version, uploaded through
``kurswerk.core.files``, the receipts and mails, the learner's pages and the panels other
pages show, and the gradebook's "submitted"."""
