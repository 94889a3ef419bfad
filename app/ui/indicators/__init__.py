"""The goal-plan dashboard ("Mål og indikatorer")."""
