"""Running the assistant: Rasa server and patches, tracker store, action server, supervisor, runner, balancer."""
