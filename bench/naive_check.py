"""The naive baseline of ``bench_check``: what anyone would write in 40 lines with httpx.

Batches of 100, 4 in flight, ``json.loads`` each answer, one ``json.dumps`` of everything.
No retries, no validation, no cache, no summary. Run as a process, as ``check`` is::

    python bench/naive_check.py BASE_URL PUBLIC_KEY PRIVATE_KEY SESSIONS_FILE > out.json
"""

import asyncio
import hashlib
import json
import sys

import httpx


def sign(params: dict[str, str], public_key: str, private_key: str) -> dict[str, str]:
    params = {**params, "PublicKey": public_key}
    text = "".join(f"{key}{params[key]}" for key in sorted(params)) + private_key
    return {**params, "Signature": hashlib.sha1(text.encode()).hexdigest()}


async def main(base_url: str, public_key: str, private_key: str, sessions_file: str) -> None:
    with open(sessions_file, encoding="utf-8") as handle:
        session_nos = [line.strip() for line in handle if line.strip()]
    batches = [session_nos[i : i + 100] for i in range(0, len(session_nos), 100)]
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=base_url) as client:

        async def one(batch: list[str]) -> list:
            form = {"Action": "GetUSMSSendReceipt", **{f"SessionNoSet.{i}": no for i, no in enumerate(batch)}}
            async with gate:
                response = await client.post("/", data=sign(form, public_key, private_key))
            return json.loads(response.content)["Data"]

        answers = await asyncio.gather(*(one(batch) for batch in batches))
    print(json.dumps({"sessions": [entry for data in answers for entry in data]}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
