"""The render stage: operations to SQL statements, plans to text and JSON, specs to docs."""
