"""Zicht: the chat assistant of Sittard-Geleen. Kept empty on purpose: the Rasa env imports bot.nlu."""
