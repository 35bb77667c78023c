"""Developer tools: training and validation, NLU and knowledge-base evaluation, the load benchmark."""
