"""The public web app: the chat page, its widget and the chat API in front of Rasa."""

from bot.web.app import create_app
from bot.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
