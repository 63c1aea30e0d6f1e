"""The peer for bench/requests.sh: JSON request lines from stdin POSTed with aiohttp by
N workers pulling from an asyncio.Queue, each result written as one JSON line with its id,
as a Python user would write "cofetch --mode queue -j N --jsonl" by hand."""
import asyncio, json, sys, time
import aiohttp

async def main(n):
    q = asyncio.Queue(maxsize=2 * n)
    out = sys.stdout
    done = 0

    async def worker(s):
        nonlocal done
        while True:
            req = await q.get()
            if req is None:
                return
            try:
                async with s.request(req.get("method", "GET"), req["url"],
                                     data=req.get("body", "").encode()) as r:
                    body = await r.read()
                    out.write(json.dumps({"id": req.get("id"), "status": r.status,
                                          "bytes": len(body)}) + "\n")
            except aiohttp.ClientError as e:
                out.write(json.dumps({"id": req.get("id"), "error": str(e)}) + "\n")
            done += 1

    conn = aiohttp.TCPConnector(limit=n)
    async with aiohttp.ClientSession(connector=conn) as s:
        workers = [asyncio.create_task(worker(s)) for _ in range(n)]
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 20)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        async for line in reader:
            line = line.strip()
            if line:
                await q.put(json.loads(line))
        for _ in workers:
            await q.put(None)
        await asyncio.gather(*workers)
    return done

t = time.perf_counter()
done = asyncio.run(main(int(sys.argv[1])))
print(f"aiohttp done={done} wall={time.perf_counter() - t:.3f}", file=sys.stderr)
