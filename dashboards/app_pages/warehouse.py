"""Data: what the warehouse holds and how the figures are defined. Import batches with rows
loaded, rejected and skipped, the reasons counted, date coverage per source (``supportstats
db info``, ``db rejects --summary``), and the definition options in force."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboards import data, ui
from supportstats.metrics import MetricOptions
from supportstats.metrics.options import DESCRIPTIONS

WHEN = "YYYY-MM-DD HH:mm"


def definitions(options: MetricOptions) -> list[dict]:
    """Each definition option: its value now, the default, and what it means."""
    default = MetricOptions()
    rows = []
    for field in dataclasses.fields(MetricOptions):
        value, usual = getattr(options, field.name), getattr(default, field.name)
        rows.append(
            {
                "option": field.name,
                "value": _show(value),
                "default": _show(usual),
                "changed": value != usual,
                "meaning": DESCRIPTIONS.get(field.name, ""),
            }
        )
    return rows


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


def main() -> None:
    source, sel = ui.context()
    st.title("Data")
    with ui.shows_errors():
        held = data.load_warehouse(source)
    st.caption(f"Warehouse: `{source.path}` · the same tables as `supportstats db info`.")

    st.subheader("Coverage per source")
    st.dataframe(
        held.coverage,
        hide_index=True,
        column_config={
            "first_created_at": st.column_config.DatetimeColumn("first contact", format=WHEN),
            "last_created_at": st.column_config.DatetimeColumn("last contact", format=WHEN),
            "last_imported_at": st.column_config.DatetimeColumn("last import", format=WHEN),
            "days_with_conversations": st.column_config.NumberColumn("days with contacts"),
        },
        key="data_coverage",
    )

    st.subheader("Import batches")
    st.dataframe(held.batches, hide_index=True, key="data_batches")

    st.subheader("Rejected and skipped rows, per reason")
    if held.reasons.empty:
        st.success("No row was rejected or skipped.")
    else:
        st.caption(
            "Rejected rows have a defect (fix the file and import it again); skipped rows are "
            "left out by a documented rule of their source. `supportstats db rejects --batch "
            "N` lists the rows with their raw text."
        )
        st.dataframe(held.reasons, hide_index=True, key="data_reasons")

    st.subheader("Definitions in force")
    options = sel.metric_options()
    st.caption(
        f"The sidebar's definitions: {options.describe()}. Each is explained in "
        "`docs/metrics.md` and `supportstats/metrics/definitions.md`; the CLI takes them as "
        "`--option name=value`."
    )
    st.dataframe(
        definitions(options),
        hide_index=True,
        column_config={"changed": st.column_config.CheckboxColumn("changed")},
        key="data_definitions",
    )


main()
