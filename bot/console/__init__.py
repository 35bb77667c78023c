"""The DPO's web console: accounts, sessions, the queue, ticket detail and actions, the register, downloads."""
