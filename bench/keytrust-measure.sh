#!/bin/bash
# bench/README.md (bench_keytrust after issue 19): runs each case in its own process under
# /usr/bin/time -v, three times, and prints one line per run. Usage: keytrust-measure.sh NEW OLD
# (two bench_keytrust binaries: this tree and main, built alike).
# one line per run: binary case rep cpu_s wall_s user_s sys_s maxrss_kb
run() { bin=$1; case_=$2; rep=$3
  out=$(/usr/bin/time -v $bin --benchmark_filter="^${case_}/iterations" 2>&1)
  cpu=$(echo "$out" | grep -o "cpu_s=[0-9.]*" | cut -d= -f2); s=$(echo "$out" | grep -o " s=[0-9.]*" | cut -d= -f2)
  u=$(echo "$out" | grep "User time" | awk '{print $NF}'); sy=$(echo "$out" | grep "System time" | awk '{print $NF}')
  rss=$(echo "$out" | grep "Maximum resident" | awk '{print $NF}'); load=$(cut -d' ' -f1 /proc/loadavg)
  echo "$(basename $bin) $case_ $rep cpu_s=$cpu wall_s=$s user_s=$u sys_s=$sy maxrss_kb=$rss load=$load"
}
for rep in 1 2 3; do
  for c in BM_KnownModuliAndRecords/10000/1000/1 BM_KnownModuliAndRecords/10000/1000/2 BM_KnownModuliAndRecords/50000/1000/1 BM_KnownModuliAndRecords/50000/1000/2; do run "$1" $c $rep; done
done
for rep in 1 2 3; do
  for c in BM_BatchGcd/10000/1 BM_BatchGcd/10000/2; do run "$1" $c $rep; run "$2" $c $rep; done
done
for rep in 1 2 3; do
  for c in BM_BatchGcd/50000/1 BM_BatchGcd/50000/2; do run "$1" $c $rep; run "$2" $c $rep; done
done
echo ALLDONE
