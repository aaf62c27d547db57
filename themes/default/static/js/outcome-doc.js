/*
 * The 督导意见书 and the 整改通知书 (issue 13) as documents: the findings of
 * DudaoOutcome → a list of blocks (title, heading, paragraph, table, quote,
 * signature) → print-ready A4 HTML, and → a Word .docx written by hand as
 * WordprocessingML (photos as DrawingML inline pictures) and zipped by DudaoZip.
 *
 * src/report/ renders the same blocks to the same bytes (HTML and every
 * .docx part), which tests/browser/outcome-agreement.test.mjs checks: change
 * wording or markup in both places.
 *
 * No DOM. Classic script: globalThis.DudaoOutcomeDoc and module.exports.
 */
(function (root, factory) {
  'use strict';
  const req = (name) => (typeof require === 'function' ? require(name) : undefined);
  const api = factory(root.DudaoOutcome || req('./outcome.js'), root.DudaoZip || req('./zip.js'));
  root.DudaoOutcomeDoc = api;
  if (typeof module === 'object' && module && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function (O, Z) {
  'use strict';

  const TITLES = { opinion: '技能人才评价质量督导意见书', notice: '技能人才评价质量督导整改通知书' };
  const OURS = '说明：引号内文字为通知原文，出处随附；其余文字由 dudao 根据评分结果生成，供督导组核对、修改后签发（dudao 补充）。';
  const UNSET = '（未填写）';
  const DATE_LINE = '年　　月　　日';
  /** Column widths in twentieths of a point; each table sums to the 16 cm text width. */
  const WIDTHS = {
    'doc-kv': [2540, 6530],
    'doc-lost': [726, 3628, 1088, 726, 2902],
    'doc-items': [726, 2902, 3265, 1089, 1088],
    'doc-receipt': [726, 2721, 3265, 1089, 1269],
  };

  function photoCaptions(photos) {
    return photos.map((p) => `照片：${p.caption || '（无说明）'}`);
  }

  /**
   * 附：现场照片: each photo that has its bytes, captioned `<label>：<caption>`
   * (`push_figures` in src/report/blocks.rs).
   */
  function pushFigures(b, labelled) {
    const figures = labelled.filter(([, p]) => p.data || p.src).map(([label, p]) => ({
      t: 'figure', src: p.data ? `data:${p.type};base64,${p.data}` : p.src, text: `${label}：${p.caption || '（无说明）'}`,
    }));
    if (figures.length > 0) b.push({ t: 'h', text: '附：现场照片' }, ...figures);
  }

  /** The photos of the finding a 整改项 was made from, matched by the item's id. */
  function itemPhotos(f, item) {
    const source = f.vetoes.find((v) => item.id === `v-${v.id}`) || f.lost.find((c) => item.id === `c-${c.id}`);
    return source ? source.photos : [];
  }

  /** A table of one row per 整改项, numbered 1…n in its first column (`item_table` in blocks.rs). */
  function itemTable(f, cls, head, cells) {
    return { t: 'table', cls: cls, head: head, rows: f.items.map((item, i) => [[String(i + 1)]].concat(cells(item))) };
  }

  /** The end of either document: signatures, seal, date, then the note on whose words are whose. */
  function signOff(b, lines) {
    b.push({ t: 'sign', lines: lines, seal: '督导组（盖章）', date: DATE_LINE });
    b.push({ t: 'note', text: OURS });
  }

  function rubricName(f) {
    return f.rubric.title + (f.rubric.label ? `（${f.rubric.label}）` : '');
  }

  /** The band, marked ※ when the name is dudao's (its note follows the paragraph). */
  function bandLabel(f) {
    return f.band.label + (f.band.ours ? O.OURS_MARK : '');
  }

  /**
   * A ticked 不合格项: the notice's wording where the rubric is official and
   * has it, then our reading of it, marked as ours.
   */
  function vetoReading(b, f) {
    b.push({ t: 'p', text: `存在不合格项 ${f.vetoes.length} 项（见“四、不合格项”）。` });
    if (f.veto.quote) {
      b.push({ t: 'p', text: '评分表对不合格项的规定如下（原文）：' });
      b.push({ t: 'quote', paras: [f.veto.quote], cite: `——${O.CITATION}所附《${f.rubric.title}》` });
    }
    b.push({ t: 'note', text: `dudao 补充：出现“${f.veto.title}”所列任一情形的，dudao 把督导结果记为“${f.band.label}”，不论得分。` });
  }

  /** The blocks of the 督导意见书. */
  function opinionBlocks(f) {
    const b = [];
    b.push({ t: 'title', text: TITLES.opinion });
    b.push({ t: 'center', text: `被督导机构：${f.institution || UNSET}` });
    b.push({ t: 'h', text: '一、基本情况' });
    const rows = f.header.map(([name, value]) => [name, value || UNSET]);
    rows.push(['评分表', rubricName(f)]);
    if (!f.header.some(([name]) => name.includes('督导') && name.includes('员')) && f.assessors.length > 0) rows.push(['督导组成员', f.assessors.join('、')]);
    b.push({ t: 'kv', rows: rows });
    b.push({ t: 'p', text: `督导组依据《${f.rubric.title}》，于${f.date || '（督导日期未填写）'}对${f.institution || '被督导机构'}开展了技能人才评价质量督导，逐项核查评分。` });

    b.push({ t: 'h', text: '二、督导结论' });
    b.push({ t: 'p', text: `本次督导得分 ${f.total} 分（满分 ${f.max} 分），评定等级为“${bandLabel(f)}”。` });
    if (f.vetoed) vetoReading(b, f);
    if (f.unanswered > 0) b.push({ t: 'p', text: `尚有 ${f.unanswered} 项未评分或未填完，以上得分和等级为暂定。` });
    if (f.band.ours) b.push({ t: 'note', text: f.band.note });

    b.push({ t: 'h', text: '三、失分项' });
    if (f.lost.length > 0) {
      b.push({ t: 'p', text: `共 ${f.lost.length} 项评分标准失分，合计失 ${f.lostTotal} 分，按失分从多到少排列如下。` });
      b.push({
        t: 'table', cls: 'doc-lost',
        head: ['序号', '评分标准', '结论', '失分', '理由、备注及照片'],
        rows: f.lost.map((c) => [
          [String(c.rank)],
          [`第 ${c.number} 项　${c.where}`, c.text, `对应指标 ${c.indicators.join('、')}`],
          [c.statusLabel, `${c.score} / ${c.points} 分`],
          [c.lost],
          [c.justification && `理由：${c.justification}`, c.notes && `备注：${c.notes}`].filter(Boolean).concat(photoCaptions(c.photos)),
        ]),
      });
    } else {
      b.push({ t: 'p', text: f.answered === 0 ? '尚未评分。' : '已评分的各项均未失分。' });
    }

    b.push({ t: 'h', text: '四、不合格项' });
    if (f.vetoes.length > 0) {
      for (const v of f.vetoes) {
        b.push({ t: 'p', text: `${v.rank}. ${v.text}` });
        b.push({ t: 'p', text: `行为描述：${v.description || '（未填写，请督导组补充查实的行为和证据）'}` });
        for (const caption of photoCaptions(v.photos)) b.push({ t: 'p', text: caption });
      }
    } else {
      b.push({ t: 'p', text: '未发现不合格项。' });
    }

    b.push({ t: 'h', text: '五、处理意见' });
    if (f.consequences.length > 0) {
      b.push({ t: 'p', text: '通知对本次督导结果的处理规定如下（原文）：' });
      b.push({ t: 'quote', paras: f.consequences, cite: `——${O.CITATION}` });
      if (f.vetoed) b.push({ t: 'note', text: 'dudao 补充：上述对严重违规行为的处理是否适用，由督导组根据查实的行为认定。' });
    } else {
      b.push({ t: 'p', text: `dudao 补充：通知未对督导结果为“${bandLabel(f)}”的机构规定奖惩措施。` });
    }
    if (f.items.length > 0) b.push({ t: 'p', text: `请被督导机构按《整改通知书》逐项整改（共 ${f.items.length} 项），并在整改期限内报送整改报告。` });

    pushFigures(b, f.vetoes.concat(f.lost).flatMap((x) => x.photos).map((p) => ['照片', p]));
    signOff(b, ['督导组成员（签字）：', '被督导机构负责人（签字）：']);
    return b;
  }

  /** The blocks of the 整改通知书. */
  function noticeBlocks(f) {
    const b = [];
    b.push({ t: 'title', text: TITLES.notice });
    b.push({ t: 'addressee', text: `${f.institution || '（被督导机构名称）'}：` });
    b.push({ t: 'p', text: `${f.date || '（督导日期）'}，督导组依据《${f.rubric.title}》对你机构开展了技能人才评价质量督导，得分 ${f.total} 分（满分 ${f.max} 分），评定等级为“${bandLabel(f)}”${f.unanswered > 0 ? '（暂定）' : ''}。` });
    if (f.band.ours) b.push({ t: 'note', text: f.band.note });
    if (f.items.length === 0) {
      b.push({ t: 'p', text: '本次督导未发现需要整改的问题，无需报送整改报告。' });
    } else {
      b.push({ t: 'p', text: `现将需要整改的 ${f.items.length} 项问题通知如下，请逐项整改，并于整改期限前将整改报告报送督导组。` });
      b.push({ t: 'h', text: '一、整改项' });
      b.push(itemTable(f, 'doc-items', ['序号', '存在的问题', '整改要求', '整改期限', '责任人'],
        (item) => [[item.problem], [item.requirement], [item.deadline || '待定'], [item.owner || '待定']]));
      b.push({ t: 'h', text: '二、整改要求' });
      b.push({ t: 'p', text: '1. 对照每项整改要求查明原因，采取纠正措施和防止问题再次发生的措施。' });
      b.push({ t: 'p', text: '2. 整改报告逐项写明整改措施、完成情况和佐证材料（照片、制度文件、记录等），由机构负责人签字并加盖公章。' });
      b.push({ t: 'p', text: '3. 使用 dudao 评估文件的，可在“整改跟踪”中逐项更新状态（未整改、整改中、已整改）后导出，随整改报告一并报送。' });
      b.push({ t: 'p', text: '4. 督导组将组织复查，逐项核验整改结果。' });
      b.push({ t: 'h', text: '三、整改报告回执' });
      b.push(itemTable(f, 'doc-receipt', ['序号', '整改项', '整改措施及完成情况', '完成日期', '佐证材料'], (item) => [[item.problem], [], [], []]));
      pushFigures(b, f.items.flatMap((item, i) => itemPhotos(f, item).map((p) => [`整改项 ${i + 1} 照片`, p])));
    }
    signOff(b, ['被督导机构签收人：', '签收日期：']);
    return b;
  }

  function blocks(kind, f) {
    return kind === 'notice' ? noticeBlocks(f) : opinionBlocks(f);
  }

  // ---- HTML -----------------------------------------------------------------

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function htmlTable(block) {
    const lines = [`<table class="${block.cls}">`];
    if (block.head) {
      lines.push('<colgroup>' + block.head.map(() => '<col>').join('') + '</colgroup>');
      lines.push('<thead><tr>' + block.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('') + '</tr></thead>');
    }
    lines.push('<tbody>');
    for (const row of block.rows) {
      lines.push('<tr>' + row.map((cell) => `<td>${cell.map((p) => `<p>${esc(p)}</p>`).join('')}</td>`).join('') + '</tr>');
    }
    lines.push('</tbody></table>');
    return lines.join('\n');
  }

  function htmlBlock(block) {
    switch (block.t) {
      case 'title': return `<h1>${esc(block.text)}</h1>`;
      case 'center': return `<p class="doc-center">${esc(block.text)}</p>`;
      case 'addressee': return `<p class="doc-addressee">${esc(block.text)}</p>`;
      case 'h': return `<h2>${esc(block.text)}</h2>`;
      case 'p': return `<p>${esc(block.text)}</p>`;
      case 'note': return `<p class="doc-note">${esc(block.text)}</p>`;
      case 'quote': return '<blockquote>' + block.paras.map((q) => `<p>“${esc(q)}”</p>`).join('') + `<p class="doc-cite">${esc(block.cite)}</p></blockquote>`;
      case 'kv': return '<table class="doc-kv">\n<tbody>\n' + block.rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n') + '\n</tbody></table>';
      case 'table': return htmlTable(block);
      case 'figure': return `<figure><img src="${esc(block.src)}" alt=""><figcaption>${esc(block.text)}</figcaption></figure>`;
      case 'sign': return '<div class="doc-sign">' + block.lines.map((l) => `<p>${esc(l)}</p>`).join('') +
        `<p class="doc-seal">${esc(block.seal)}</p><p class="doc-date">${esc(block.date)}</p></div>`;
      default: throw new Error('unknown block ' + block.t);
    }
  }

  /** The document as an <article> (what the page shows and prints). */
  function articleHtml(kind, f) {
    return `<article class="dudao-doc" data-doc="${kind}">\n` + blocks(kind, f).map(htmlBlock).join('\n') + '\n</article>\n';
  }

  /** A standalone HTML file (the download), with the stylesheet `css` inside. */
  function standaloneHtml(kind, f, css) {
    return '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n' +
      `<title>${esc(TITLES[kind])} · ${esc(f.institution || '')}</title>\n<style>\n${css}</style>\n</head>\n<body>\n` +
      articleHtml(kind, f) + '</body>\n</html>\n';
  }

  // ---- Word -----------------------------------------------------------------

  /** The DrawingML namespaces of an inline picture, on the document's root. */
  const DRAWING_NS = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';
  const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

  /** XML text: escaped, and without the control characters XML 1.0 forbids. */
  function xesc(s) {
    // eslint-disable-next-line no-control-regex
    return esc(String(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
  }

  function runs(text) {
    return String(text).split('\n').map((line) => `<w:r><w:t xml:space="preserve">${xesc(line)}</w:t></w:r>`).join('<w:r><w:br/></w:r>');
  }

  /** A paragraph; `extra`: properties beyond its style (e.g. <w:keepNext/>). */
  function para(style, text, extra) {
    return `<w:p><w:pPr><w:pStyle w:val="${style}"/>${extra || ''}</w:pPr>${text === '' ? '' : runs(text)}</w:p>`;
  }

  function cellXml(width, paragraphs, header) {
    const shade = header ? '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' : '';
    const body = paragraphs.length === 0 ? para('DocCell', '') : paragraphs.map((p) => para(header ? 'DocCellHead' : 'DocCell', p)).join('');
    return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${shade}</w:tcPr>${body}</w:tc>`;
  }

  function tableXml(cls, head, rows) {
    const widths = WIDTHS[cls];
    const border = (side) => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`;
    const out = ['<w:tbl><w:tblPr><w:tblW w:w="9070" w:type="dxa"/><w:tblBorders>' +
      ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(border).join('') +
      '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>' +
      '<w:tblGrid>' + widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('') + '</w:tblGrid>'];
    if (head) out.push('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' + head.map((h, i) => cellXml(widths[i], [h], true)).join('') + '</w:tr>');
    const trPr = cls === 'doc-receipt' ? '<w:trPr><w:trHeight w:val="1100" w:hRule="atLeast"/></w:trPr>' : '';
    for (const row of rows) out.push('<w:tr>' + trPr + row.map((cell, i) => cellXml(widths[i], cell, false)).join('') + '</w:tr>');
    out.push('</w:tbl>');
    return out.join('');
  }

  // A photo as a picture for the .docx, number for number as
  // src/report/picture.rs: bytes from the data: URL, kind and pixel size
  // from the bytes, fitted into the box of outcome-doc.css (12 cm × 9 cm,
  // one CSS pixel = 9525 EMU), never enlarged.
  const EMU_PER_PX = 9525;
  const MAX_CX = 4320000;
  const MAX_CY = 3240000;

  function fit(width, height) {
    const cx = width * EMU_PER_PX;
    const cy = height * EMU_PER_PX;
    if (cx <= MAX_CX && cy <= MAX_CY) return [cx, cy];
    if (width * MAX_CY >= height * MAX_CX) return [MAX_CX, Math.max(1, Math.floor(height * MAX_CX / width))];
    return [Math.max(1, Math.floor(width * MAX_CY / height)), MAX_CY];
  }

  /** [ext, width, height] from a PNG's IHDR or a JPEG's first SOF marker, or null. */
  function sniff(bytes) {
    const be16 = (i) => (i + 1 < bytes.length ? (bytes[i] << 8) | bytes[i + 1] : null);
    const be32 = (i) => (i + 3 < bytes.length ? ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3] : null);
    // At most 65 535 px a side (as picture.rs): fit()'s products stay exact.
    const sized = (ext, w, h) => (w > 0 && h > 0 && w <= 65535 && h <= 65535 ? [ext, w, h] : null);
    const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0x49, 0x48, 0x44, 0x52];
    if (bytes.length >= 16 && PNG.every((b, i) => (i >= 8 && i < 12) || bytes[i] === b)) return sized('png', be32(16), be32(20));
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
    let i = 2;
    for (;;) {
      if (i >= bytes.length || bytes[i] !== 0xff || i + 1 >= bytes.length) return null;
      const marker = bytes[i + 1];
      if (marker === 0xff) i += 1;
      else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) i += 2;
      else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return sized('jpeg', be16(i + 7), be16(i + 5));
      else if (marker === 0xda || marker === 0xd9) return null;
      else {
        const length = be16(i + 2);
        if (length === null) return null;
        i += 2 + length;
      }
    }
  }

  /** {bytes, ext, cx, cy} of a data:image/…;base64,… URL, or null (the caption then stands alone). */
  function picture(src) {
    const m = /^data:.*?;base64,(.*)$/s.exec(String(src));
    if (!m) return null;
    let binary;
    try {
      binary = atob(m[1]);
    } catch (_) {
      return null;
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const kind = sniff(bytes);
    if (!kind) return null;
    const [cx, cy] = fit(kind[1], kind[2]);
    return { bytes: bytes, ext: kind[0], cx: cx, cy: cy };
  }

  /** An inline picture, `n`th of the document, in a centred paragraph kept with its caption. */
  function pictureXml(n, p) {
    return `<w:p><w:pPr><w:pStyle w:val="DocFigure"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${p.cx}" cy="${p.cy}"/>` +
      `<wp:docPr id="${n}" name="照片 ${n}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
      '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>' +
      `<pic:nvPicPr><pic:cNvPr id="${n}" name="image${n}.${p.ext}"/><pic:cNvPicPr/></pic:nvPicPr>` +
      `<pic:blipFill><a:blip r:embed="rIdImage${n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
      `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${p.cx}" cy="${p.cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>` +
      '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>';
  }

  function docxBlock(block) {
    switch (block.t) {
      case 'title': return para('DocTitle', block.text);
      case 'center': return para('DocCenter', block.text);
      case 'addressee': return para('DocPlain', block.text);
      case 'h': return para('DocHeading', block.text);
      case 'p': return para('DocBody', block.text);
      case 'note': return para('DocNote', block.text);
      case 'quote': return block.paras.map((q) => para('DocQuote', `“${q}”`)).join('') + para('DocCite', block.cite);
      case 'kv': return tableXml('doc-kv', null, block.rows.map(([k, v]) => [[k], [v]])) + para('DocPlain', '');
      case 'table': return tableXml(block.cls, block.head, block.rows) + para('DocPlain', '');
      case 'figure': return para('DocCenter', block.text);
      case 'sign': return block.lines.map((l) => para('DocSign', l)).join('') + para('DocSeal', block.seal) + para('DocDate', block.date);
      default: throw new Error('unknown block ' + block.t);
    }
  }

  /** The pictures of a document's figures, in order (null: caption only). */
  function pictures(all) {
    return all.filter((b) => b.t === 'figure').map((b) => picture(b.src));
  }

  function documentXml(kind, f) {
    return bodyXml(blocks(kind, f));
  }

  function bodyXml(all) {
    // The paragraph before the signatures keeps them company: signatures,
    // seal, date and closing note never start a page alone (src/report/docx.rs).
    const figures = pictures(all);
    let figure = 0;
    let embedded = 0;
    const xml = (b, next) => {
      if (next && next.t === 'sign' && (b.t === 'p' || b.t === 'note')) return para(b.t === 'p' ? 'DocBody' : 'DocNote', b.text, '<w:keepNext/>');
      if (b.t === 'figure') {
        const p = figures[figure++];
        return p ? pictureXml(++embedded, p) + para('DocCenter', b.text) : para('DocCenter', b.text);
      }
      return docxBlock(b);
    };
    return XML_HEAD + `<w:document ${W_NS} ${DRAWING_NS}><w:body>` + all.map((b, i) => xml(b, all[i + 1])).join('') +
      '<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="11906" w:h="16838"/>' +
      '<w:pgMar w:top="1418" w:right="1418" w:bottom="1247" w:left="1418" w:header="851" w:footer="851" w:gutter="0"/></w:sectPr></w:body></w:document>';
  }

  const FONTS = { body: '仿宋', title: '宋体', heading: '黑体', quote: '楷体', latin: 'Times New Roman' };

  function style(id, name, ppr, rpr) {
    return `<w:style w:type="paragraph" w:customStyle="1" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
      `<w:pPr>${ppr}</w:pPr><w:rPr>${rpr}</w:rPr></w:style>`;
  }

  function fonts(eastAsia) {
    return `<w:rFonts w:ascii="${FONTS.latin}" w:hAnsi="${FONTS.latin}" w:eastAsia="${eastAsia}" w:cs="${FONTS.latin}"/>`;
  }

  function stylesXml() {
    const size = (half) => `<w:sz w:val="${half}"/><w:szCs w:val="${half}"/>`;
    return XML_HEAD + `<w:styles ${W_NS}>` +
      '<w:docDefaults><w:rPrDefault><w:rPr>' + fonts(FONTS.body) + size(28) + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>' +
      '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
      '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
      style('DocTitle', 'dudao 标题', '<w:keepNext/><w:spacing w:before="120" w:after="240"/><w:jc w:val="center"/>', fonts(FONTS.title) + '<w:b/>' + size(40)) +
      style('DocCenter', 'dudao 居中', '<w:spacing w:after="120"/><w:jc w:val="center"/>', '') +
      style('DocFigure', 'dudao 照片', '<w:keepNext/><w:spacing w:before="120" w:after="60" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>', '') +
      style('DocPlain', 'dudao 顶格', '', '') +
      style('DocHeading', 'dudao 节标题', '<w:keepNext/><w:spacing w:before="240" w:after="60"/><w:outlineLvl w:val="0"/>', fonts(FONTS.heading) + '<w:b/>') +
      style('DocBody', 'dudao 正文', '<w:ind w:firstLineChars="200" w:firstLine="560"/><w:jc w:val="both"/>', '') +
      style('DocNote', 'dudao 说明', '<w:spacing w:before="120"/>', size(21)) +
      style('DocQuote', 'dudao 引文', '<w:keepNext/><w:ind w:left="560"/><w:jc w:val="both"/>', fonts(FONTS.quote)) +
      style('DocCite', 'dudao 出处', '<w:spacing w:after="120"/><w:jc w:val="right"/>', fonts(FONTS.quote) + size(21)) +
      style('DocCell', 'dudao 表格', '<w:spacing w:line="280" w:lineRule="auto"/>', size(21)) +
      style('DocCellHead', 'dudao 表头', '<w:keepNext/><w:spacing w:line="280" w:lineRule="auto"/><w:jc w:val="center"/>', '<w:b/>' + size(21)) +
      style('DocSign', 'dudao 签字', '<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>', '') +
      style('DocSeal', 'dudao 盖章', '<w:keepNext/><w:spacing w:before="720" w:after="120"/><w:ind w:right="840"/><w:jc w:val="right"/>', '') +
      // Kept with the closing note, which must not sit alone on a page.
      style('DocDate', 'dudao 日期', '<w:keepNext/><w:ind w:right="840"/><w:jc w:val="right"/>', '') +
      style('DocFooter', 'dudao 页脚', '<w:jc w:val="center"/>', size(18)) +
      '</w:styles>';
  }

  const CONTENT_TYPES = XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>' +
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>' +
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>' +
    '<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>' +
    '</Types>';
  const PACKAGE_RELS = XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
    '</Relationships>';
  const DOCUMENT_RELS = XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>' +
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>' +
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>' +
    '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/></Relationships>';
  /**
   * The faces the styles name, with the names Word and WPS know them by on a
   * system that is not Chinese (ECMA-376 expects a font table and a theme).
   */
  const FONT_TABLE = XML_HEAD + `<w:fonts ${W_NS}>` + [
    ['仿宋', 'FangSong', '02010609060101010101', '86', 'modern'],
    ['宋体', 'SimSun', '02010600030101010101', '86', 'auto'],
    ['黑体', 'SimHei', '02010609060101010101', '86', 'modern'],
    ['楷体', 'KaiTi', '02010609060101010101', '86', 'modern'],
    [FONTS.latin, '', '02020603050405020304', '00', 'roman'],
  ].map(([name, alt, panose, charset, family]) => `<w:font w:name="${name}">${alt ? `<w:altName w:val="${alt}"/>` : ''}<w:panose1 w:val="${panose}"/>` +
    `<w:charset w:val="${charset}"/><w:family w:val="${family}"/><w:pitch w:val="variable"/></w:font>`).join('') + '</w:fonts>';
  /** The minimal theme of every dudao .docx (src/export/docx/package.rs THEME). */
  const THEME = XML_HEAD +
    '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="dudao"><a:themeElements><a:clrScheme name="dudao"><a:dk1>' +
    '<a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2>' +
    '<a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3>' +
    '<a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6>' +
    '<a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>' +
    '<a:fontScheme name="dudao"><a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/>' +
    '<a:font script="Hans" typeface="微软雅黑"/></a:majorFont><a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface=""/><a:cs typeface=""/>' +
    '<a:font script="Hans" typeface="宋体"/></a:minorFont></a:fontScheme><a:fmtScheme name="dudao"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/>' +
    '</a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>' +
    '<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/>' +
    '</a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle>' +
    '<a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>' +
    '<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill>' +
    '<a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>';
  const SETTINGS = XML_HEAD + `<w:settings ${W_NS}><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>`;
  const FOOTER = XML_HEAD + `<w:ftr ${W_NS}><w:p><w:pPr><w:pStyle w:val="DocFooter"/></w:pPr><w:r><w:t xml:space="preserve">第 </w:t></w:r>` +
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>' +
    '<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>';

  /** Every part of the .docx, in zip order: [{name, data}]; the pictures last, as word/media/image<n>.<ext> (Uint8Array). */
  function docxParts(kind, f) {
    const all = blocks(kind, f);
    const embedded = pictures(all).filter(Boolean);
    const xmlDefault = '<Default Extension="xml" ContentType="application/xml"/>';
    const imageDefaults = [['jpeg', 'image/jpeg'], ['png', 'image/png']]
      .filter(([ext]) => embedded.some((p) => p.ext === ext))
      .map(([ext, mime]) => `<Default Extension="${ext}" ContentType="${mime}"/>`).join('');
    const imageRels = embedded.map((p, i) => `<Relationship Id="rIdImage${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image${i + 1}.${p.ext}"/>`).join('');
    return [
      { name: '[Content_Types].xml', data: CONTENT_TYPES.replace(xmlDefault, xmlDefault + imageDefaults) },
      { name: '_rels/.rels', data: PACKAGE_RELS },
      { name: 'word/_rels/document.xml.rels', data: DOCUMENT_RELS.replace('</Relationships>', imageRels + '</Relationships>') },
      { name: 'word/document.xml', data: bodyXml(all) },
      { name: 'word/styles.xml', data: stylesXml() },
      { name: 'word/settings.xml', data: SETTINGS },
      { name: 'word/footer1.xml', data: FOOTER },
      { name: 'word/fontTable.xml', data: FONT_TABLE },
      { name: 'word/theme/theme1.xml', data: THEME },
    ].concat(embedded.map((p, i) => ({ name: `word/media/image${i + 1}.${p.ext}`, data: p.bytes })));
  }

  /** The .docx bytes (a Promise of a Uint8Array). */
  function docx(kind, f) {
    return Z.build(docxParts(kind, f));
  }

  /** File names: 督导意见书-<机构>-<日期>.docx, safe on Windows. */
  function fileName(kind, f, ext) {
    const clean = (s) => String(s || '').replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 30);
    return [kind === 'notice' ? '整改通知书' : '督导意见书', clean(f.institution), clean(f.date)].filter(Boolean).join('-') + '.' + ext;
  }

  return { TITLES, OURS, WIDTHS, fit, sniff, picture, blocks, opinionBlocks, noticeBlocks, articleHtml, standaloneHtml, docxParts, docx, documentXml, fileName };
});
