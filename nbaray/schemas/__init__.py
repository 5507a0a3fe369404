"""The schema registry: every table defined once (columns, types, key, partition, clustering)."""

from nbaray.schemas.columns import Column, RowCheck, TableSchema
from nbaray.schemas.registry import OUTPUT_TABLES, TABLES, table

__all__ = ["OUTPUT_TABLES", "TABLES", "Column", "RowCheck", "TableSchema", "table"]
