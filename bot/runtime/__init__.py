"""Running the assistant: Rasa server and patches, its NLU graph components, tracker store, action server,
supervisor, runner, balancer."""
