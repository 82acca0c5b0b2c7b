"""The student's reassessment requests: ask in one of their classes, and read the answers."""
