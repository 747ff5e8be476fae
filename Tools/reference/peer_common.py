"""What the PyTorch + transformers fine-tuning peers share: the CPU's bf16 support (for autocast) and the
TrainingArguments spellings of warmup and length grouping, which changed between transformers 4.x and 5.x."""
import dataclasses


def cpu_has_bf16():
    """Whether the CPU has bf16 arithmetic (AVX512-BF16 or AMX), where PyTorch users turn on bf16 autocast."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def warmup_and_grouping(training_arguments, warmup=0.1):
    """Warmup over a `warmup` share of the steps and length-grouped batches, in the spelling of the installed
    transformers: 4.x has `warmup_ratio` and `group_by_length`; 5.x takes a fractional `warmup_steps` and
    `train_sampling_strategy="group_by_length"`. `training_arguments` is transformers' TrainingArguments class."""
    names = {f.name for f in dataclasses.fields(training_arguments)}
    arguments = {"warmup_ratio": warmup} if "warmup_ratio" in names else {"warmup_steps": warmup}
    if "group_by_length" in names:
        arguments["group_by_length"] = True
    else:
        arguments["train_sampling_strategy"] = "group_by_length"
    return arguments
