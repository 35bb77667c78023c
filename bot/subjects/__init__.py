"""Known customers of the controller (imported by the DPO) and matching a verified address to one."""
