"""The concepts every other module shares: the vocabulary of codes, quarters, names,
numbers, findings and errors."""
