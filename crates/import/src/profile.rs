//! User-written mapping profiles (TOML): any other CSV/XLSX, column by column.

/// A mapping profile.
pub struct Profile;

/// The profiles shipped with the product.
pub fn shipped_profiles() -> Vec<Profile> {
    Vec::new()
}

impl crate::Importer for Profile {
    fn id(&self) -> &str {
        ""
    }
    fn name_zh(&self) -> &str {
        ""
    }
    fn signature(&self) -> Vec<String> {
        Vec::new()
    }
    fn detect(&self, _rows: &[crate::table::Row]) -> Option<crate::Detection> {
        None
    }
    fn read(
        &self,
        _t: &mut crate::table::Table,
        _d: &crate::Detection,
        _o: &mut crate::Output<'_>,
    ) -> Result<(), crate::Problem> {
        Ok(())
    }
}
