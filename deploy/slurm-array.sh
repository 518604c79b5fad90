#!/bin/bash
# newsprint over an archive on shared storage, split across a Slurm job array.
#
#   sbatch --array=1-16 deploy/slurm-array.sh /shared/archive /shared/newsprint/dataset
#   sbatch --dependency=afterok:<array job id> --wrap "newsprint merge /shared/newsprint/dataset"
#
# Each task reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT / SLURM_ARRAY_TASK_MIN and
# processes the inputs whose path hashes to its shard (arrays may start at 0 or 1). Every task
# must name the inputs the same way (same paths), so that all agree on who reads what.
# Re-submitting the array after new pages arrive adds only the new ones; a task that was
# killed goes on from its last committed segment.
#SBATCH --job-name=newsprint
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --output=newsprint-%A_%a.log
set -euo pipefail

INPUTS=${1:?usage: slurm-array.sh INPUTS DATASET}
DATASET=${2:?usage: slurm-array.sh INPUTS DATASET}

exec newsprint run "$INPUTS" \
    --out "$DATASET" \
    --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --log-format json \
    --max-errors 1000
