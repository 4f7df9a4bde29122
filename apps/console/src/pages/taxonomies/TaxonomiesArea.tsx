import { Route, Routes } from 'react-router';
import QnaAuthoringPage from './QnaAuthoringPage';
import TaxonomiesPage from './TaxonomiesPage';
import TaxonomyDetail from './TaxonomyDetail';
import './taxonomies.scss';

/** The taxonomies area under /ui/taxonomies (paths.ts names them for links): the list and upload, one taxonomy, the qna.yaml form. */
export default function TaxonomiesArea() {
  return (
    <Routes>
      <Route index element={<TaxonomiesPage />} />
      <Route path="new-leaf" element={<QnaAuthoringPage />} />
      <Route path=":taxonomyId" element={<TaxonomyDetail />} />
    </Routes>
  );
}
