"""PynamoDB models of every table; the data-access layer under the domain code."""
