"""Rasa's events after the tracker store: the outbox, the RabbitMQ broker, the consumer that
feeds the console (live view and statistics) and its tables."""
