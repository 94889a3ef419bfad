"""The "I dag" page: the caseworker's day on one screen."""
