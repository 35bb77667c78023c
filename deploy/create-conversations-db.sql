-- The second database of the production profile: Rasa's conversation store (tickets live in "privacybot").
CREATE DATABASE conversations OWNER privacybot;
