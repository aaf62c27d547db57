#!/usr/bin/env python3
"""Opens dudao's Office exports with third-party readers, for the tests.

openpyxl and python-docx are independent OOXML implementations: if they
parse our files and find what we put there, so can other readers. Every
subcommand prints one JSON document on stdout.

  office.py fill IN.xlsx OUT.xlsx ANSWERS.json   fill the workbook (openpyxl)
  office.py results BOOK.xlsx                    cached values after recalculation
  office.py workbook BOOK.xlsx                   structure: validations, protection, names
  office.py docx FILE.docx                       structure of the Word checklist (python-docx)

ANSWERS.json: {"answers": {criterionId: {"status": "full"|"partial"|"none",
"score": n}}, "veto": {vetoItemId: true}} — the shape of the browser
form's state, so the same answer set drives both.
"""

import json
import sys

LABELS = {"full": "符合", "partial": "基本符合", "none": "不符合"}


def defined_range(book, name):
    """The sheet and cell coordinates of a workbook-level defined name."""
    defined = book.defined_names[name]
    ((sheet, ref),) = list(defined.destinations)
    cells = book[sheet][ref.replace("$", "")]
    if not isinstance(cells, tuple):
        return book[sheet], [cells]
    return book[sheet], [row[0] for row in cells]


def criterion_cells(book):
    """criterion id → (answer cell, partial cell), found through the defined names."""
    _, ids = defined_range(book, "dudao_criterion_ids")
    _, answers = defined_range(book, "dudao_answers")
    _, partials = defined_range(book, "dudao_partials")
    cells = {}
    for id_cell, answer, partial in zip(ids, answers, partials):
        assert id_cell.row == answer.row == partial.row
        if id_cell.value is not None:  # stage and group heading rows have no id
            cells[id_cell.value] = (answer, partial)
    return cells


def veto_cells(book):
    """veto item id → its 是/否 cell; the id sits in the hidden ID column of the same row."""
    if "dudao_veto" not in book.defined_names:
        return {}
    sheet, cells = defined_range(book, "dudao_veto")
    _, ids = defined_range(book, "dudao_criterion_ids")
    id_column = ids[0].column
    return {sheet.cell(row=c.row, column=id_column).value: c for c in cells}


def fill(source, target, answers_path):
    import openpyxl

    with open(answers_path, encoding="utf-8") as f:
        state = json.load(f)
    book = openpyxl.load_workbook(source)
    cells = criterion_cells(book)
    unknown = set(state.get("answers", {})) - set(cells)
    if unknown:
        raise SystemExit(f"answers for criteria not in the workbook: {sorted(unknown)}")
    for criterion, answer in state.get("answers", {}).items():
        answer_cell, partial_cell = cells[criterion]
        answer_cell.value = LABELS[answer["status"]]
        if answer.get("score") is not None:
            partial_cell.value = answer["score"]
    vetoes = veto_cells(book)
    for item, ticked in state.get("veto", {}).items():
        vetoes[item].value = "是" if ticked else "否"
    book.save(target)
    return {"filled": len(state.get("answers", {})), "criteria": len(cells)}


def results(path):
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    _, (total,) = defined_range(book, "dudao_total")
    _, (band,) = defined_range(book, "dudao_band")
    return {"total": total.value, "band": band.value}


def workbook(path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    cells = criterion_cells(book)
    validations = []
    for dv in sheet.data_validations.dataValidation:
        validations.append(
            {
                "type": dv.type,
                "ranges": str(dv.sqref),
                "formula": dv.formula1,
                "prompt": dv.prompt,
                "error": dv.error,
                "allow_blank": dv.allow_blank,
            }
        )
    first_answer, first_partial = next(iter(cells.values()))
    total_sheet, (total,) = defined_range(book, "dudao_total")
    _, (band,) = defined_range(book, "dudao_band")
    score = sheet.cell(row=first_answer.row, column=first_answer.column + 2)
    criterion_text = sheet.cell(row=first_answer.row, column=first_answer.column - 2)
    return {
        "sheet": sheet.title,
        "criteria": list(cells),
        "validations": validations,
        "protected": bool(sheet.protection.sheet),
        "password": sheet.protection.password,
        "answer_locked": first_answer.protection.locked,
        "partial_locked": first_partial.protection.locked,
        "score_locked": score.protection.locked,
        "score_formula": score.value,
        "criterion_locked": criterion_text.protection.locked,
        "total_formula": total.value,
        "total_locked": total.protection.locked,
        "band_formula": band.value,
        "freeze_panes": sheet.freeze_panes,
        "print_area": sheet.print_area,
        "print_title_rows": sheet.print_title_rows,
        "paper_size": sheet.page_setup.paperSize,
        "orientation": sheet.page_setup.orientation,
        "fit_to_width": sheet.page_setup.fitToWidth,
        "fit_to_page": bool(sheet.sheet_properties.pageSetUpPr
                            and sheet.sheet_properties.pageSetUpPr.fitToPage),
        "print_scale": sheet.page_setup.scale,
        "row_breaks": [b.id for b in sheet.row_breaks.brk],
        "id_column_hidden": sheet.column_dimensions["I"].hidden,
        "column_widths": {
            key: dim.width for key, dim in sorted(sheet.column_dimensions.items())
        },
        "title": book.properties.title,
        "created": book.properties.created.isoformat() if book.properties.created else None,
        "header_text": [
            sheet.cell(row=r, column=c).value
            for r in range(1, 8)
            for c in range(1, 9)
            if isinstance(sheet.cell(row=r, column=c).value, str)
        ],
        "colour_protection_mismatches": colour_protection_mismatches(sheet),
        "band_cached": cached_value(path, "dudao_band"),
    }


INPUT_FILL = "FFFFFDE7"


def colour_protection_mismatches(sheet):
    """Printed cells whose yellow fill and unlocked state disagree: the
    instructions say exactly the yellow cells can be filled in."""
    from openpyxl.cell.cell import MergedCell

    out = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, min_col=1, max_col=8):
        for cell in row:
            if isinstance(cell, MergedCell):
                continue
            fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            yellow = fill == INPUT_FILL
            if yellow == bool(cell.protection.locked):
                out.append(f"{cell.coordinate} locked={cell.protection.locked} fill={fill}")
    return out


def cached_value(path, name):
    """The value a reader that does not recalculate shows for a defined name."""
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    _, (cell,) = defined_range(book, name)
    return cell.value


def docx_structure(path):
    import docx
    from docx.shared import Emu

    document = docx.Document(path)
    section = document.sections[0]
    tables = []
    for table in document.tables:
        rows = []
        for row in table.rows:
            tr_pr = row._tr.trPr
            flags = [child.tag.split("}")[1] for child in tr_pr] if tr_pr is not None else []
            texts, seen = [], []
            for cell in row.cells:  # a spanned cell appears once per grid column
                if not any(cell._tc is tc for tc in seen):
                    seen.append(cell._tc)
                    texts.append(cell.text)
            rows.append({"cells": texts, "flags": flags})
        tables.append(rows)
    fonts = set()
    for element in document.element.body.iter():
        if element.tag.endswith("}rFonts"):
            for key, value in element.attrib.items():
                if key.endswith("}eastAsia"):
                    fonts.add(value)
    return {
        "page_width_mm": round(Emu(section.page_width).mm),
        "page_height_mm": round(Emu(section.page_height).mm),
        "orientation": int(section.orientation),
        "paragraphs": [p.text for p in document.paragraphs if p.text.strip()],
        "tables": tables,
        "east_asia_fonts": sorted(fonts),
        "title": document.core_properties.title,
    }


def main(argv):
    command, *args = argv
    handlers = {
        "fill": fill,
        "results": results,
        "workbook": workbook,
        "docx": docx_structure,
    }
    result = handlers[command](*args)
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
