"""Where Phase 3 is read from and the Phase 4 tables are written: an embedded store or BigQuery."""

from nbaray.warehouse.base import LocalConfig, Warehouse, WarehouseConfig, open_warehouse

__all__ = ["LocalConfig", "Warehouse", "WarehouseConfig", "open_warehouse"]
