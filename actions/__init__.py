"""Custom actions of the Zicht assistant (rasa-sdk). Thin: the domain lives in bot.reports."""
