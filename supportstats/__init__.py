"""supportstats: customer-support analytics and workforce planning on DuckDB."""

from supportstats.errors import SupportStatsError

__version__ = "0.1.0"

__all__ = ["SupportStatsError", "__version__"]
