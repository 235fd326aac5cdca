"""Reading and writing files: atomic outputs, workbooks, scenario files, processed tables.

Every file the package reads or writes goes through this layer; the analyses and the
presenters take and return tables only.
"""
