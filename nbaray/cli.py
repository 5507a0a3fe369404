"""The `nbaray` command: parse options, build a config, call one function. No logic lives here."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from nbaray.errors import NbarayError

if TYPE_CHECKING:
    from nbaray.warehouse.base import WarehouseConfig

log = logging.getLogger("nbaray")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _warehouse_config(args: argparse.Namespace) -> WarehouseConfig:
    from nbaray.warehouse.base import warehouse_config

    return warehouse_config(
        args.warehouse,
        getattr(args, "bigquery_project", None),
        location=getattr(args, "bigquery_location", None),
        dataset_prefix=getattr(args, "bigquery_dataset_prefix", None),
        api_endpoint=getattr(args, "bigquery_api_endpoint", None),
        grpc_endpoint=getattr(args, "bigquery_grpc_endpoint", None),
    )


def cmd_synth(args: argparse.Namespace) -> int:
    from nbaray.loading import load_tables, season_dates
    from nbaray.synth import generate_seasons
    from nbaray.warehouse import open_warehouse

    frames = generate_seasons(args.seasons, seed=args.seed)
    counts = load_tables(open_warehouse(_warehouse_config(args)), frames, season_dates(args.seasons))
    for table, rows in counts.items():
        print(f"{table}: {rows} rows")
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from nbaray.pipeline.backfill import DATES_PER_TASK, backfill

    summary = backfill(
        _warehouse_config(args),
        args.start,
        args.end,
        dates_per_task=args.dates_per_task or DATES_PER_TASK,
        address=args.address,
        progress=not args.no_progress,
        resume=args.resume,
    )
    print("\n".join(summary.lines()))
    return 1 if summary.failed else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from nbaray.validation import validate
    from nbaray.validation.report import text, write_reports
    from nbaray.warehouse import open_warehouse

    validation = validate(open_warehouse(_warehouse_config(args)), args.start, args.end)
    print(text(validation))
    json_path, html_path = write_reports(validation, Path(args.out))
    print(f"reports: {json_path} {html_path}")
    return 0 if validation.verdict == "GO" else 1


def cmd_run(args: argparse.Namespace) -> int:
    """Backfill, then validate the same range: the main job."""
    backfilled = cmd_backfill(args)
    validated = cmd_validate(args)
    return max(backfilled, validated)


def cmd_train(args: argparse.Namespace) -> int:
    from nbaray.train import train

    metrics = train(
        _warehouse_config(args),
        args.start,
        args.end,
        Path(args.out),
        workers=args.workers,
        valid_start=args.valid_start,
        test_start=args.test_start,
        min_quality=args.min_quality,
        address=args.address,
        storage_path=args.storage_path,
    )
    test = metrics["model"]["test"]
    print(f"test MAE on {test['rows']} rows: model {test['mae']:.3f}")
    for name, baseline in metrics["baselines"].items():
        print(f"  {name}: {baseline['test']['mae']:.3f}")
    print(f"model.json, metrics.json and report.html in {args.out}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from nbaray.train import predict

    rows = predict(_warehouse_config(args), args.date, Path(args.model), address=args.address)
    print(f"{rows} predictions for {args.date} in nba_predictions.player_points_predictions")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from nbaray.transfer import import_files
    from nbaray.warehouse import open_warehouse

    summary = import_files(open_warehouse(_warehouse_config(args)), args.table, [Path(f) for f in args.files])
    print("\n".join(summary.lines()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from nbaray.transfer import export_table
    from nbaray.warehouse import open_warehouse

    rows = export_table(open_warehouse(_warehouse_config(args)), args.table, Path(args.out), args.start, args.end)
    print(f"{args.table}: {rows} rows written to {args.out}")
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    import polars as pl

    from nbaray.transfer import table_summaries
    from nbaray.warehouse import open_warehouse

    summaries = table_summaries(open_warehouse(_warehouse_config(args)))
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_width_chars=240,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        print(summaries)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import polars as pl

    from nbaray.warehouse import open_warehouse

    result = open_warehouse(_warehouse_config(args)).sql(args.query)
    if args.format == "csv":
        sys.stdout.write(result.write_csv())
    elif args.format == "json":
        sys.stdout.write(result.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=240):
            print(result)
    return 0


def cmd_schema_ddl(args: argparse.Namespace) -> int:
    from nbaray.schemas import TABLES

    print("\n\n".join(t.ddl(args.project) for t in TABLES.values()))
    return 0


def cmd_schema_apply(args: argparse.Namespace) -> int:
    from nbaray.warehouse import open_warehouse

    warehouse = open_warehouse(_warehouse_config(args))
    if not hasattr(warehouse, "ensure_tables"):
        print("the embedded warehouse creates its tables on first write; nothing to apply")
        return 0
    report = warehouse.ensure_tables()
    print("\n".join(report.lines()) or "every table exists and matches the registry")
    return 1 if report.differences else 0


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--warehouse",
        default=argparse.SUPPRESS,
        help="embedded warehouse directory (default: $NBARAY_WAREHOUSE or ./warehouse)",
    )
    bigquery = common.add_argument_group("BigQuery (instead of the embedded warehouse)")
    bigquery.add_argument(
        "--bigquery-project", default=argparse.SUPPRESS, help="Google Cloud project (default: $NBARAY_BIGQUERY_PROJECT)"
    )
    bigquery.add_argument("--bigquery-location", default=argparse.SUPPRESS, help="dataset location, e.g. US")
    bigquery.add_argument(
        "--bigquery-dataset-prefix", default=argparse.SUPPRESS, help="prepended to every dataset name, e.g. dev_"
    )
    bigquery.add_argument(
        "--bigquery-api-endpoint", default=argparse.SUPPRESS, help="REST endpoint override (an emulator)"
    )
    bigquery.add_argument(
        "--bigquery-grpc-endpoint", default=argparse.SUPPRESS, help="Storage API endpoint override (an emulator)"
    )
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging")

    main = argparse.ArgumentParser(
        prog="nbaray",
        description="Phase 4 of the NBA player-points pipeline as a Ray batch job.",
        parents=[common],
    )
    verbs = main.add_subparsers(dest="verb", required=True, metavar="VERB")

    synth = verbs.add_parser("synth", parents=[common], help="write synthetic Phase 3 seasons into the warehouse")
    synth.add_argument("--seasons", type=int, nargs="+", required=True, help="season years, 2023 = 2023-24")
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(run=cmd_synth)

    date_range = argparse.ArgumentParser(add_help=False)
    date_range.add_argument("--start", type=_date, required=True, help="first analysis date, YYYY-MM-DD")
    date_range.add_argument("--end", type=_date, required=True, help="last analysis date, YYYY-MM-DD")
    ray_options = argparse.ArgumentParser(add_help=False)
    ray_options.add_argument("--dates-per-task", type=int, default=None, help="analysis dates per Ray task")
    ray_options.add_argument("--address", default=None, help="Ray cluster address (default: a local 127.0.0.1 cluster)")
    ray_options.add_argument("--no-progress", action="store_true", help="no progress bar")
    ray_options.add_argument(
        "--resume", action="store_true", help="skip the dates of the range the run ledger records as finished"
    )
    reports = argparse.ArgumentParser(add_help=False)
    reports.add_argument("--out", default="reports", help="directory for validation.json and validation.html")

    backfill = verbs.add_parser(
        "backfill", parents=[common, date_range, ray_options], help="compute Phase 4 for a date range on Ray"
    )
    backfill.set_defaults(run=cmd_backfill)

    validate = verbs.add_parser(
        "validate", parents=[common, date_range, reports], help="check a backfilled range: GO / NO-GO for training"
    )
    validate.set_defaults(run=cmd_validate)

    run = verbs.add_parser(
        "run", parents=[common, date_range, ray_options, reports], help="backfill, then validate (the main job)"
    )
    run.set_defaults(run=cmd_run)

    train = verbs.add_parser(
        "train", parents=[common, date_range], help="train the points model on the feature store with Ray Train"
    )
    train.add_argument("--out", required=True, metavar="DIR", help="where model.json, metrics.json, report.html go")
    train.add_argument("--workers", type=int, default=None, help="Ray Train workers, 1 CPU each (default: all CPUs)")
    train.add_argument("--valid-start", type=_date, default=None, help="first validation date (default: 70/15/15)")
    train.add_argument("--test-start", type=_date, default=None, help="first test date (default: 70/15/15 split)")
    train.add_argument(
        "--min-quality", type=float, default=None, help="fit only on rows with feature_quality_score >= this (0-100)"
    )
    train.add_argument("--address", default=None, help="Ray cluster address (default: a local 127.0.0.1 cluster)")
    train.add_argument(
        "--storage-path", default=None, metavar="URI",
        help="Ray Train's run storage, reachable from every node (e.g. gs://bucket/ray-train); default: a local "
        "temporary directory, enough for one machine",
    )  # fmt: skip
    train.set_defaults(run=cmd_train)

    predict = verbs.add_parser(
        "predict", parents=[common], help="predict a date's feature-store rows into player_points_predictions"
    )
    predict.add_argument("--date", type=_date, required=True, help="game date, YYYY-MM-DD")
    predict.add_argument("--model", required=True, metavar="DIR", help="a directory written by `nbaray train`")
    predict.add_argument("--address", default=None, help="Ray cluster address (default: a local 127.0.0.1 cluster)")
    predict.set_defaults(run=cmd_predict)

    import_ = verbs.add_parser(
        "import",
        parents=[common],
        help="load a Phase 3 table from Parquet or CSV files, checked like the backfill's input",
    )
    import_.add_argument(
        "--table", required=True, metavar="DATASET.TABLE", help="e.g. nba_analytics.player_game_summary"
    )
    import_.add_argument(
        "files", nargs="+", metavar="FILE", help=".parquet or .csv; every date they hold has its partition replaced"
    )
    import_.set_defaults(run=cmd_import)

    export = verbs.add_parser("export", parents=[common], help="write a table to a Parquet or CSV file")
    export.add_argument("--table", required=True, metavar="DATASET.TABLE")
    export.add_argument("--start", type=_date, default=None, help="first partition date, YYYY-MM-DD (default: all)")
    export.add_argument("--end", type=_date, default=None, help="last partition date, YYYY-MM-DD (default: all)")
    export.add_argument("--out", required=True, metavar="FILE", help="a .parquet or .csv file")
    export.set_defaults(run=cmd_export)

    tables = verbs.add_parser("tables", parents=[common], help="every table: rows, first and last date, partitions")
    tables.set_defaults(run=cmd_tables)

    sql = verbs.add_parser("sql", parents=[common], help="run SQL over the warehouse (tables as dataset.table)")
    sql.add_argument("query")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("--max-rows", type=int, default=50, help="rows shown in table format")
    sql.set_defaults(run=cmd_sql)

    schema = verbs.add_parser("schema", parents=[common], help="the schema registry")
    schema_verbs = schema.add_subparsers(dest="schema_verb", required=True, metavar="VERB")
    ddl = schema_verbs.add_parser("ddl", parents=[common], help="BigQuery CREATE TABLE statements for every table")
    ddl.add_argument("--project", default=None, help="prefix table names with this project")
    ddl.set_defaults(run=cmd_schema_ddl)
    apply = schema_verbs.add_parser(
        "apply", parents=[common], help="BigQuery: create missing datasets and tables, report what differs"
    )
    apply.set_defaults(run=cmd_schema_apply)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Not parser defaults: those would be shared with (and clobber) the verbs' copies of the option.
    args.warehouse = getattr(args, "warehouse", None) or os.environ.get("NBARAY_WAREHOUSE", "warehouse")
    args.verbose = getattr(args, "verbose", False)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.run(args)
    except NbarayError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
