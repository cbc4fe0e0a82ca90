"""Uploaded files: the streaming multipart intake with its limits, the PDF check
(``pdf/``) in isolated workers, the optional virus scan, and content-addressed storage."""
