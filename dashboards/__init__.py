"""The supportstats Streamlit dashboard (run dashboards/streamlit_app.py)."""
