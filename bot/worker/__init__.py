"""The background worker: deadline reminders, the DPO digest, retention, sending the outbox."""
