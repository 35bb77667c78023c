"""Load benchmark of the running assistant over the REST channel (`make bench`)."""
