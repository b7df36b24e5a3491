"""Node-to-node messaging and shared state: in-process or Redis, chosen by URL."""

from app.broker.base import Broker, MessageHandler, create_broker

__all__ = ["Broker", "MessageHandler", "create_broker"]
