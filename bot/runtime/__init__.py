"""Code that runs inside the Rasa server's NLU pipeline (custom graph components)."""
