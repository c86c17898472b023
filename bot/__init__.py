"""Zicht: the chat assistant of Sittard-Geleen.

Kept almost empty on purpose: the Rasa environment imports bot.nlu and must not pull in the rest.
"""
