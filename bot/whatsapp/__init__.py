"""WhatsApp Cloud API support without Rasa imports: webhook parsing, identities, the store,
the inbox worker and the Graph API client. The Rasa channel is bot.channels.whatsapp."""
