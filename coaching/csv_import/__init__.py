"""coaching.csv_import."""
