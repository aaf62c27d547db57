//! The cell formats of the workbook: one named format per kind of cell, so
//! that colour (yellow = yours to fill in) and protection are decided together.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The fill of the cells a user fills in.
pub(super) const INPUT_FILL: Color = Color::RGB(0xFFFDE7);

pub(super) struct Styles {
    pub(super) title: Format,
    pub(super) subtitle: Format,
    pub(super) label: Format,
    pub(super) input: Format,
    pub(super) heading: Format,
    pub(super) stage: Format,
    pub(super) group: Format,
    pub(super) text: Format,
    pub(super) centered: Format,
    pub(super) answer: Format,
    pub(super) score: Format,
    pub(super) result_label: Format,
    pub(super) result: Format,
    pub(super) note: Format,
}

impl Styles {
    pub(super) fn new() -> Styles {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10.5)
            .set_font_charset(134)
            .set_align(FormatAlign::VerticalCenter);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        let heading_font = |format: Format| format.set_font_name("微软雅黑").set_bold();
        Styles {
            title: heading_font(base.clone())
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            subtitle: base
                .clone()
                .set_font_size(9)
                .set_font_color(Color::RGB(0x555555))
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            label: base.clone().set_align(FormatAlign::Right).set_text_wrap(),
            // Every unlocked cell is yellow, every yellow cell unlocked: the
            // instructions say only yellow cells can be filled in.
            input: base
                .clone()
                .set_border_bottom(FormatBorder::Thin)
                .set_background_color(INPUT_FILL)
                .set_unlocked(),
            heading: heading_font(boxed.clone())
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9)),
            stage: heading_font(boxed.clone()).set_background_color(Color::RGB(0xD9D9D9)),
            group: heading_font(boxed.clone()).set_background_color(Color::RGB(0xF2F2F2)),
            text: boxed.clone(),
            centered: boxed.clone().set_align(FormatAlign::Center),
            answer: boxed
                .clone()
                .set_align(FormatAlign::Center)
                .set_background_color(INPUT_FILL)
                .set_unlocked(),
            score: boxed
                .clone()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2F2F2)),
            result_label: heading_font(boxed.clone())
                .set_align(FormatAlign::Right)
                .set_background_color(Color::RGB(0xD9D9D9)),
            result: heading_font(boxed.clone())
                .set_align(FormatAlign::Center)
                .set_font_size(12),
            note: base.set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    pub(super) fn unlocked_text(&self) -> Format {
        self.text
            .clone()
            .set_background_color(INPUT_FILL)
            .set_unlocked()
    }
}
