"""XLSForm (.xlsx with openpyxl, .xls with xlrd, .csv with the csv module)."""

from .mapping import LANGUAGE_NAMES, parse_xlsform
from .sheets import read_csv, read_xls, read_xlsx

__all__ = ["LANGUAGE_NAMES", "parse_xlsform", "read_csv", "read_xls", "read_xlsx"]
