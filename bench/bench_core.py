"""The same two micro-benchmarks as bench_core.c, in Python asyncio.
   usage: python3 bench_core.py [N]   (default 1,000,000)"""
import asyncio, sys, time

BATCH = 1000

async def trivial(i):
    return i

async def spawn_main(n):
    for _ in range(0, n, BATCH):
        tasks = [asyncio.create_task(trivial(i)) for i in range(BATCH)]
        await asyncio.gather(*tasks)

async def ponger(ping, pong, rounds):
    for _ in range(rounds):
        await pong.put(await ping.get())

async def switch_main(rounds):
    ping, pong = asyncio.Queue(1), asyncio.Queue(1)
    t = asyncio.create_task(ponger(ping, pong, rounds))
    for i in range(rounds):
        await ping.put(i)
        await pong.get()
    await t

n = max(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, BATCH)
t0 = time.perf_counter(); asyncio.run(spawn_main(n)); spawn_s = time.perf_counter() - t0
rounds = n // 2
t0 = time.perf_counter(); asyncio.run(switch_main(rounds)); switch_s = time.perf_counter() - t0
print(f"asyncio  spawn+await: {n} tasks in {spawn_s:.3f} s = {spawn_s * 1e6 / n:.3f} us/task")
print(f"asyncio  switch:      {rounds * 2} switches in {switch_s:.3f} s = {switch_s * 1e6 / (rounds * 2):.3f} us/switch")
