"""Where Phase 3 is read from and the Phase 4 tables are written: an embedded store or BigQuery."""

from nbaray.warehouse.base import (
    BigQueryConfig,
    LocalConfig,
    Warehouse,
    WarehouseConfig,
    open_warehouse,
    warehouse_config,
)

__all__ = ["BigQueryConfig", "LocalConfig", "Warehouse", "WarehouseConfig", "open_warehouse", "warehouse_config"]
