"""Rasa NLU graph components. Imported by the Rasa (Python 3.10) environment: keep imports light."""
