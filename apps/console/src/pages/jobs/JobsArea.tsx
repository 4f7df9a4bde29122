import { Route, Routes } from 'react-router';
import DataJobCreate from './DataJobCreate';
import DataJobDetail from './DataJobDetail';
import JobsPage from './JobsPage';
import ModelJobCreate from './ModelJobCreate';
import ModelJobDetail from './ModelJobDetail';
import './jobs.scss';

/** The jobs area under /ui/jobs (paths.ts names them for links): the lists, the create forms and one job each. */
export default function JobsArea() {
  return (
    <Routes>
      <Route index element={<JobsPage />} />
      <Route path="data/new" element={<DataJobCreate />} />
      <Route path="data/:dataId" element={<DataJobDetail />} />
      <Route path="models/new" element={<ModelJobCreate />} />
      <Route path="models/:modelId" element={<ModelJobDetail />} />
    </Routes>
  );
}
