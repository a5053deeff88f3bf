"""SLA: attainment per channel x priority and per agent or team, in the sidebar's clock
(calendar or business hours), and the breaches one by one (``supportstats metrics --sla``,
``--by channel`` / ``--by agent`` / ``--by team``, ``--by conversation --sla-status
breached``). A bar of the attainment charts opens its channel's, agent's or team's
conversations."""

from __future__ import annotations

import streamlit as st

from dashboards import data, links, ui
from supportstats import charts
from supportstats.export import to_csv

COUNTS = ["met", "breached", "pending"]
GROUPS = {"agent": ("agent_key", "agent"), "team": ("team_key", "team")}


def attainment_config() -> dict:
    return {
        "attainment": st.column_config.ProgressColumn(
            "attainment", format="percent", min_value=0.0, max_value=1.0
        ),
        "target_s": st.column_config.NumberColumn("target, s", format="%.0f"),
        "business_hours": st.column_config.CheckboxColumn("business hours"),
    }


def main() -> None:
    source, sel = ui.context()
    st.title("SLA")
    options = sel.metric_options()
    clock = "business hours" if options.clock == "business" else "calendar time"
    with ui.shows_errors():
        by_channel, notes = data.load_sla(source, sel, ("channel",))
    st.caption(
        f"{sel.period().describe()} · measured in {clock} unless a vendor target says "
        f"otherwise (clock in the sidebar's definitions) · targets: the warehouse's SLA "
        "policies, or the sla_*_s options (More definitions) · attainment = met / (met + "
        "breached); open items within their target are pending and left out."
    )
    for note in notes:
        st.warning(ui.literal(note), icon=":material/policy:")
    if by_channel.empty:
        st.info(
            "No conversation in this selection has an SLA target. Set one under *More "
            "definitions* (sla_first_response_s, sla_resolution_s, ...) or import your "
            "help desk's SLA policies."
        )
        return

    st.subheader("Per channel and priority")
    # a bar opens the channel's conversations (priority is not a filter: all of them)
    ui.drill_chart(charts.sla_attainment(by_channel, "channel"), "sla_channel_chart", sel)
    st.dataframe(
        by_channel,
        hide_index=True,
        column_config=attainment_config(),
        column_order=[
            "channel",
            "metric",
            "sla_priority",
            "sla_policy",
            "target_s",
            "business_hours",
            *COUNTS,
            "attainment",
        ],  # fmt: skip
        key="sla_channel",
    )

    st.subheader("Per agent or team")
    group = st.radio(
        "Group by", list(GROUPS), horizontal=True, key="sla_group", label_visibility="collapsed"
    )
    key_col, name_col = GROUPS[group]
    with ui.shows_errors():
        by_group, _ = data.load_sla(source, sel, (group,))
    if not by_group.empty:
        ui.drill_chart(charts.sla_attainment(by_group, group), "sla_group_chart", sel)
    config = attainment_config()
    config[key_col] = None
    if group == "agent":
        # drill down: the agent's conversations with these filters
        by_group = by_group.assign(
            conversations=[
                links.conversations_url(sel, agent=k) if isinstance(k, str) else None
                for k in by_group[key_col]
            ]
        )
        config["conversations"] = st.column_config.LinkColumn(
            "conversations", display_text="open", help="This agent's conversations"
        )
    st.dataframe(
        by_group,
        hide_index=True,
        column_config=config,
        column_order=[
            name_col,
            "metric",
            "sla_priority",
            "target_s",
            *COUNTS,
            "attainment",
            *(["conversations"] if group == "agent" else []),
        ],  # fmt: skip
        key="sla_group_table",
    )

    st.subheader("Breaches")
    with ui.shows_errors():
        breaches = data.load_sla_items(source, sel, "breached")
    st.caption(
        f"{len(breaches):,} breached items (a conversation can breach several metrics; "
        "next_reply counts each customer wait). value = the time it took in the item's clock; "
        "over = value − target (an item still open counts up to the period's end or now). "
        "The agent is the one credited with the metric."
    )
    if breaches.empty:
        st.success("No breaches in this selection.")
        return
    st.dataframe(
        breaches,
        hide_index=True,
        column_config={
            "agent_key": None,
            "team_key": None,
            "queue_key": None,
            "created_at": st.column_config.DatetimeColumn("created", format="YYYY-MM-DD HH:mm"),
            "target_s": st.column_config.NumberColumn("target, s", format="%.0f"),
            "value_s": st.column_config.NumberColumn("value, s", format="%.0f"),
            "over_s": st.column_config.NumberColumn("over, s", format="%.0f"),
        },
        key="sla_breaches",
    )
    st.download_button(
        "Download breaches (CSV)",
        to_csv(breaches),
        links.file_name("sla_breaches", sel, "csv"),
        "text/csv",
        key="sla_breaches_csv",
        icon=":material/download:",
    )


main()
