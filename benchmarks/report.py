"""Targets and markdown tables from one benchmark result (the JSON record).

``targets(record)`` checks the issue's targets against what was measured;
``markdown(record)`` is the table ``python -m benchmarks`` prints and the
README shows. Parts that did not run are left out, never invented.
"""

from helpers.verdicts import format_p

COURSE_TARGET_S = 8 * 60
LESSON_TARGET_GB = 1.5
CONV_TARGET_RATIO = 1.5
CONV_TARGET_FRACTION = 0.5  # of the GFLOP/s of a matmul with the same FLOPs
OVERHEAD_TARGET_RATIO = 1.00
ACCURACY_TARGET = 0.990
ACCURACY_TARGET_NAME = "MNIST convnet test accuracy, lowest seed"
OLD_ACCURACY_TARGET_NAME = "seed convnet test accuracy, lowest seed"  # results written before the rename


def targets(record):
    """``[{'name', 'value', 'target', 'met'}]`` for each target whose part ran."""
    parts, found = record["parts"], []
    if "overhead" in parts:
        ratio = parts["overhead"]["ratio_total"]
        found.append(
            {
                "name": "helpers/plain training samples/s",
                "value": round(ratio, 3),
                "target": f">= {OVERHEAD_TARGET_RATIO:.2f}",
                "met": ratio >= OVERHEAD_TARGET_RATIO,
            }
        )
    if "ops" in parts:
        ratio = parts["ops"]["ratio_conv2d_vs_tf"]
        found.append(
            {
                "name": "conv2d time / tf.nn.conv2d time",
                "value": round(ratio, 2),
                "target": f"<= {CONV_TARGET_RATIO:g}",
                "met": ratio <= CONV_TARGET_RATIO,
            }
        )
        fraction = parts["ops"].get("conv2d_fraction_of_matmul")  # None in results written before it was measured
        if fraction is not None:
            found.append(
                {
                    "name": "conv2d GFLOP/s / matmul GFLOP/s",
                    "value": round(fraction, 3),
                    "target": f">= {CONV_TARGET_FRACTION:g}",
                    "met": fraction >= CONV_TARGET_FRACTION,
                }
            )
    if "lessons" in parts:
        lessons = parts["lessons"]
        found.append(
            {
                "name": "whole course wall time (s)",
                "value": round(lessons["course_wall_seconds"], 1),
                "target": f"<= {COURSE_TARGET_S}",
                "met": lessons["all_ok"] and lessons["course_wall_seconds"] <= COURSE_TARGET_S,
            }
        )
        found.append(
            {
                "name": "largest lesson peak RSS (GB)",
                "value": round(lessons["max_peak_rss_gb"], 3),
                "target": f"<= {LESSON_TARGET_GB}",
                "met": lessons["max_peak_rss_gb"] <= LESSON_TARGET_GB,
            }
        )
    if "accuracy" in parts:
        seed = mnist_convnet(parts["accuracy"])
        found.append(
            {
                "name": ACCURACY_TARGET_NAME,
                "value": round(seed["test_acc_min"], 4),
                "target": f">= {ACCURACY_TARGET}",
                "met": seed["test_acc_min"] >= ACCURACY_TARGET,
            }
        )
    return found


def _count(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _met_or_missed(flag):
    return "met" if flag else "**missed**"


def _mean_sd(mean, std, digits=4):
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def _minutes(seconds):
    return f"{seconds / 60:.1f} min"


def outside_load(record, key="outside_cpu_mean_percent"):
    """A part's contention figure (default: mean CPU, percent of one core,
    that other processes used) averaged over the parts, weighted by each
    part's duration; None if nothing was sampled."""
    weighted = seconds = 0.0
    for name, summary in record.get("contention", {}).items():
        if summary.get(key) is not None:
            weighted += summary[key] * record["seconds"][name]
            seconds += record["seconds"][name]
    return weighted / seconds if seconds else None


def header(record):
    m, v = record["machine"], record["versions"]
    total = record["seconds"].get("total")
    took = f"; the whole bench took {_minutes(total)}" if total is not None else ""
    load = outside_load(record)
    other = f" Other processes used {load:.0f}% of one core on average during the run." if load is not None else ""
    steal = outside_load(record, "steal_percent")
    if steal is not None:
        other += f" Hypervisor steal: {steal:.1f}% of CPU time."
    return (
        f"Measured by `make bench` on {record['started'][:10]} on {m['cpu_model']}, "
        f"{m['logical_cores']} cores, {m['memory_gib']:g} GiB RAM (host `{m['host_id']}`), "
        f"Python {v['python']}, TensorFlow {v['tensorflow']}, Keras {v['keras']}, NumPy {v['numpy']}{took}."
        f"{other}"
    )


def _summary_rows(record):
    parts, rows = record["parts"], []
    check = {t["name"]: t for t in record.get("targets") or targets(record)}
    if "overhead" in parts:
        o = parts["overhead"]
        t = check["helpers/plain training samples/s"]
        pair = o["pair_ratios_total"]
        measured = (
            f"{o['helpers_total_samples_per_s_median']:,.0f} vs "
            f"{o['plain_total_samples_per_s_median']:,.0f} (medians); A/B per pair: "
            f"median {o['ratio_total']:.3f}× (range {min(pair):.2f}–{max(pair):.2f})"
        )
        by_order = o.get("ratio_total_by_order", {})
        if len(by_order) == 2:  # pairs ran in both orders
            measured += f"; A first {by_order['AB']:.2f}×, B first {by_order['BA']:.2f}×"
        if "ratio_cpu" in o:  # samples per CPU-second: the cost without the other processes' load
            measured += f"; per CPU-second {o['ratio_cpu']:.3f}×"
        design = (
            "back-to-back A/B pairs, A B and B A alternating" if "pair_orders" in o else "× A B"
        )  # results written before the order alternated
        rows.append(
            [
                f"training through `helpers` vs plain Keras ({_count(o['epochs'], 'epoch')}, "
                f"{o['train_samples']:,} images, {o['pairs']} {design}, fresh processes), "
                "samples/s end to end",
                measured,
                f"≥ {OVERHEAD_TARGET_RATIO:.2f}× ({_met_or_missed(t['met'])})",
            ]
        )
    if "ops" in parts:
        p, tm = parts["ops"], parts["ops"]["timings"]
        shape = "×".join(map(str, p["input_shape"]))
        kernel = "×".join(map(str, p["kernel_shape"]))
        t = check["conv2d time / tf.nn.conv2d time"]
        by_order = p.get("ratio_conv2d_vs_tf_by_order", {})  # results written before the A/B design have none
        orders = ", ".join(
            f"{label} first {by_order[key]:.2f}×"
            for key, label in (("tf_first", "TF"), ("numpy_first", "NumPy"))
            if key in by_order
        )
        rows.append(
            [
                f"NumPy `conv2d` vs `tf.nn.conv2d` ({shape} batch, {kernel} kernel"
                + (", interleaved A/B, order alternating)" if by_order else ")"),
                f"{tm['conv2d']['median_s'] * 1e3:.1f} ms vs {tm['tf_conv2d']['median_s'] * 1e3:.1f} ms "
                f"= {p['ratio_conv2d_vs_tf']:.2f}×" + (f"; {orders}" if orders else ""),
                f"≤ {CONV_TARGET_RATIO:g}× ({_met_or_missed(t['met'])})",
            ]
        )
        if "conv2d_fraction_of_matmul" in p:
            m = p["matmul"]
            rows.append(
                [
                    f"NumPy `conv2d`, achieved GFLOP/s vs a float32 {m['n']}×{m['n']} matmul "
                    "(the same FLOPs, timed in the same loop)",
                    f"{p['conv2d_gflops']:.1f} vs {m['gflops']:.1f} GFLOP/s "
                    f"(`tf.nn.conv2d` {p['tf_conv2d_gflops']:.1f})",
                    f"≥ {CONV_TARGET_FRACTION:.0%} of matmul: {p['conv2d_fraction_of_matmul']:.0%} "
                    f"({_met_or_missed(check['conv2d GFLOP/s / matmul GFLOP/s']['met'])})",
                ]
            )
        rows.append(
            [
                "NumPy `conv2d_naive` (loops, for teaching) vs `tf.nn.conv2d`",
                f"{tm['conv2d_naive']['scaled_to_batch_median_s'] * 1e3:,.0f} ms "
                f"= {p['ratio_conv2d_naive_vs_tf']:.0f}×",
                "reported",
            ]
        )
        rows.append(
            [
                "NumPy `max_pool2d` vs `tf.nn.max_pool2d` (2×2, same batch)",
                f"{tm['max_pool2d']['median_s'] * 1e3:.2f} ms vs {tm['tf_max_pool2d']['median_s'] * 1e3:.2f} ms "
                f"= {p['ratio_max_pool2d_vs_tf']:.1f}×",
                "reported",
            ]
        )
    if "lessons" in parts:
        lessons = parts["lessons"]
        rows.append(
            [
                f"whole course, every lesson at its defaults ({len(lessons['lessons'])} lessons, course runner)",
                _minutes(lessons["course_wall_seconds"]) + ("" if lessons["all_ok"] else " (a lesson failed)"),
                f"≤ 8 min ({_met_or_missed(check['whole course wall time (s)']['met'])})",
            ]
        )
        worst = max(lessons["lessons"].items(), key=lambda kv: kv[1]["peak_rss_gb"])
        rows.append(
            [
                "largest peak memory of a lesson's kernel",
                f"{worst[1]['peak_rss_gb']:.2f} GB ({worst[0]})",
                f"≤ {LESSON_TARGET_GB} GB ({_met_or_missed(check['largest lesson peak RSS (GB)']['met'])})",
            ]
        )
    if "accuracy" in parts:
        a = parts["accuracy"]
        s = mnist_convnet(a)
        accuracy_check = check.get(ACCURACY_TARGET_NAME) or check[OLD_ACCURACY_TARGET_NAME]
        rows.append(
            [
                f"MNIST convnet test accuracy ({_count(a['seed_epochs'], 'epoch')}, {a['train_samples']:,} "
                f"train images, seeds {', '.join(map(str, a['seeds']))})",
                f"{_mean_sd(s['test_acc_mean'], s['test_acc_std'])} (lowest {s['test_acc_min']:.4f})",
                f"every seed ≥ {ACCURACY_TARGET:.3f} ({_met_or_missed(accuracy_check['met'])})",
            ]
        )
    if "flops" in parts:
        f = parts["flops"]
        tr = f["training"]
        spread = (
            f"; epochs {tr['samples_per_s_slowest_epoch']:,.0f}–{tr['samples_per_s_fastest_epoch']:,.0f}"
            if "samples_per_s_slowest_epoch" in tr
            else ""
        )
        timed = "median epoch" if spread else "one epoch"
        rows.append(
            [
                f"MNIST convnet training step, achieved (3 × forward FLOPs × samples/s, {timed})",
                f"{tr['gflops']:.1f} GFLOP/s ({tr['samples_per_s']:,.0f} samples/s{spread})",
                f"{f['training_fraction_of_matmul']:.0%} of matmul",
            ]
        )
        rows.append(
            [
                f"NumPy float32 matmul ({f['matmul']['n']}×{f['matmul']['n']}), best of {f['matmul']['repeats']}",
                f"{f['matmul']['gflops_best']:.1f} GFLOP/s",
                "machine reference",
            ]
        )
    return rows


# --- part 4, accuracy (lesson 05's experiment on full data) ----------------------


def mnist_convnet(accuracy):
    """The MNIST convnet's summary (called ``seed_convnet`` in results written before the rename)."""
    return accuracy.get("mnist_convnet") or accuracy["seed_convnet"]


def _pp(mean, std):
    """``+0.12 ± 0.05`` in percentage points (``±`` dropped when std is None)."""
    return f"{100 * mean:+.2f}" + ("" if std is None else f" ± {100 * std:.2f}")


def _acc(mean, std):
    return f"{mean:.4f}" + ("" if std is None else f" ± {std:.4f}")


def _paired_rows(paired, label=""):
    rows = []
    for pair, by_shift in paired.items():  # "max-avg", in the run's order of variants (the result keeps it)
        for px, c in sorted(by_shift.items(), key=lambda item: int(item[0])):
            p_t = "—" if c["p"] is None else format_p(c["p"])
            rows.append(
                [
                    f"{label}`{pair.replace('-', '` − `')}`",
                    px,
                    " ".join(f"{100 * d:+.2f}" for d in c["diffs"]),
                    _pp(c["mean"], c["sd"]),
                    c["signs"],
                    p_t,
                    " ".join(format_p(m[2]) for m in c["mcnemar"]),
                ]
            )
    return rows


def accuracy_markdown(a):
    """Part 4 as markdown: per-model accuracies over seeds, and (results
    with lesson 05's experiment) the paired comparisons."""
    s = mnist_convnet(a)
    acc_rows = [
        [
            "MNIST convnet (lesson 04)",
            a["seed_epochs"],
            f"{s['runs'][0]['params']:,}",
            _acc(s["test_acc_mean"], s["test_acc_std"]),
            f"{s['test_acc_min']:.4f}",
            "—",
            _pp(s["gap_mean"], s["gap_std"]),
        ]
    ]
    shifted = str(max(a["shifts"])) if a.get("shifts") else None  # None: written before the shift experiment
    heads = [("", a["variants"])]
    if "global_max_head" in a:
        heads.append(("global max head: ", a["global_max_head"]["variants"]))
    for label, variants in heads:
        for kind, v in variants.items():  # the run's order, helpers.models.DOWNSAMPLING_KINDS (the JSON keeps it)
            at_shift = (
                _acc(v["shift_acc_mean"][shifted], v["shift_acc_std"][shifted])
                if shifted in v.get("shift_acc_mean", {})
                else "—"
            )
            acc_rows.append(
                [
                    f"{label}`{kind}`",
                    a["variant_epochs"],
                    f"{v['params']:,}",
                    _acc(v["test_acc_mean"], v["test_acc_std"]),
                    f"{v['test_acc_min']:.4f}",
                    at_shift,
                    _pp(v["gap_mean"], v["gap_std"]),
                ]
            )
    lines = [
        "",
        f"Accuracy over seeds {', '.join(map(str, a['seeds']))} ({a['train_samples']:,} train / "
        f"{a['test_samples']:,} test images, batch {a['batch_size']}; mean ± sample std; gap = final "
        "train accuracy − test accuracy, in percentage points; the variants are lesson 05's):",
        "",
    ]
    lines += _table(
        [
            "model",
            "epochs",
            "params",
            "test accuracy",
            "lowest",
            f"test digits moved {shifted} px" if shifted else "shifted test digits",
            "train−test gap (pp)",
        ],
        acc_rows,
    )
    if "paired" in a:
        rows = _paired_rows(a["paired"]) + _paired_rows(a["global_max_head"]["paired"], "global max head: ")
        lines += [
            "",
            "Paired by seed (lesson 05's comparisons, on the data above): differences in percentage points, "
            "seed by seed; the paired t-test over seeds and McNemar's exact test per seed on the same "
            "test images (two-sided p):",
            "",
        ]
        lines += _table(
            ["comparison", "shift (px)", "per seed (pp)", "mean ± sd (pp)", "signs", "t-test p", "McNemar p per seed"],
            rows,
        )
    return lines


def _table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def markdown(record):
    """The results as markdown: header line, summary, accuracy, lessons."""
    lines = [header(record), ""]
    rows = _summary_rows(record)
    if rows:
        lines += _table(["measure", "result", "target"], rows)
    parts = record["parts"]
    if "accuracy" in parts:
        lines += accuracy_markdown(parts["accuracy"])
    if "lessons" in parts:
        lessons = parts["lessons"]
        lesson_rows = [
            [
                name,
                v["status"],
                f"{v['seconds']:.0f} s",
                f"{v['cpu_seconds']:.0f} s" if v.get("cpu_seconds") is not None else "—",
                f"{v['peak_rss_gb']:.2f} GB"
                + (f" (cell {v['peak_rss_cell']})" if v.get("peak_rss_cell") is not None else ""),
            ]
            for name, v in lessons["lessons"].items()
        ]
        lines += [
            "",
            "Lessons at their defaults (course runner; CPU time and peak memory are the kernel's "
            "process tree, memory as summed RSS):",
            "",
        ]
        lines += _table(["lesson", "status", "wall time", "CPU time", "peak memory"], lesson_rows)
    if record.get("errors"):
        lines += ["", "Parts that failed: " + "; ".join(f"{k}: {v}" for k, v in record["errors"].items())]
    return "\n".join(lines)
