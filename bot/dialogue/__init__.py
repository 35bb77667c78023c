"""Everything the assistant says, and the request and status flows between the steps (the actions call it)."""
