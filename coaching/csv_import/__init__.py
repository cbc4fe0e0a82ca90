"""Bulk grants from a CSV file: the file read into rows (``csv_file``), the previewed file
kept between preview and confirm (``draft``), the rows checked and written (``rows``)."""
