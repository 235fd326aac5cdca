"""The Plan, its column contract, and the workbook layout it is read from."""
